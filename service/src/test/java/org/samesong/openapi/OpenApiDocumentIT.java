package org.samesong.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.tags.Tag;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * {@code GET /api/openapi.json}: a valid OpenAPI 3 document that is true to the running
 * application: every resource method registered in Jersey is in it and nothing else, every error
 * answer has the one error body, every endpoint of the specification's table is there, and what
 * real calls answer has the documented shape.
 */
class OpenApiDocumentIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  /** Registered on purpose without documentation: the document itself. */
  private static final Set<String> HIDDEN = Set.of("GET /openapi.{format}");

  /** The table of section 4 of the specification: the contract the document must cover. */
  private static final List<String> SPEC_ENDPOINTS =
      List.of(
          "POST /api/auth/login",
          "POST /api/auth/refresh",
          "POST /api/auth/logout",
          "POST /api/sessions",
          "POST /api/sessions/{code}/join",
          "GET /api/sessions/{id}",
          "DELETE /api/sessions/{id}",
          "DELETE /api/sessions/{id}/members/{member_id}",
          "GET /api/sessions/{id}/playlist",
          "POST /api/sessions/{id}/playlist",
          "PATCH /api/sessions/{id}/playlist/{item_id}",
          "DELETE /api/sessions/{id}/playlist/{item_id}",
          "POST /api/sessions/{id}/playback",
          "POST /api/sessions/{id}/requests",
          "GET /api/sessions/{id}/requests?status=",
          "POST /api/requests/{id}/approve",
          "POST /api/requests/{id}/deny",
          "DELETE /api/requests/{id}",
          "GET /api/catalog/tracks?q=&limit=&offset=",
          "POST /api/catalog/tracks",
          "GET /api/tracks/{id}/stream",
          "GET /api/time",
          "GET /api/admin/settings",
          "PATCH /api/admin/settings",
          "GET /api/admin/users",
          "POST /api/admin/users",
          "PATCH /api/admin/users/{id}",
          "GET /api/sessions/{id}/requests/export?format=",
          "GET /api/sessions/{id}/events",
          "POST /api/sessions/{id}/integration-tokens",
          "DELETE /api/sessions/{id}/integration-tokens/{token_id}",
          "GET /api/admin/webhooks",
          "POST /api/admin/webhooks/rotate-secret",
          "POST /api/admin/webhooks/test");

  /** The operations anyone may call without an access token. */
  private static final Set<String> PUBLIC =
      Set.of(
          "login",
          "refresh",
          "joinSession",
          "serverTime",
          "streamTrack",
          "streamTrackHead",
          "getKnock");

  private static final String ERROR_REF = "#/components/schemas/ErrorBody";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String body;
  private static OpenAPI doc;

  @BeforeAll
  static void fetch() {
    // the first request reads the document: a second or so, more on a busy machine
    Reply reply =
        Reply.of(
            APP.request("openapi.json", null)
                .property(ClientProperties.READ_TIMEOUT, 60_000)
                .get());
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    assertThat(reply.header(HttpHeaders.CONTENT_TYPE)).startsWith("application/json");
    body = reply.body();
    doc = parse(body);
  }

  private static OpenAPI parse(String text) {
    ParseOptions options = new ParseOptions();
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
    assertThat(result.getMessages()).as("validation messages").isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    return result.getOpenAPI();
  }

  @Test
  void the_document_is_valid_openapi_3_about_samesong() {
    assertThat(doc.getOpenapi()).startsWith("3.0.");
    assertThat(doc.getInfo().getTitle()).isEqualTo("Samesong");
    assertThat(doc.getInfo().getVersion())
        .as("the project's version")
        .matches("\\d+\\.\\d+\\.\\d+.*")
        .isEqualTo(OpenApiDocument.version());
    assertThat(doc.getInfo().getDescription()).contains("docs/api.md", "docs/protocol.md");
    assertThat(doc.getServers())
        .singleElement()
        .satisfies(s -> assertThat(s.getUrl()).isEqualTo("/api"));
    assertThat(doc.getComponents().getSecuritySchemes())
        .containsOnlyKeys(
            OpenApiDocument.BEARER,
            OpenApiDocument.COOKIE,
            OpenApiDocument.STREAM_SIGNATURE,
            OpenApiDocument.KNOCK_TOKEN);
    assertThat(
            doc.getComponents().getSecuritySchemes().get(OpenApiDocument.BEARER).getBearerFormat())
        .isEqualTo("JWT");
  }

  @Test
  void every_reference_points_at_a_component_that_exists() throws Exception {
    Set<String> refs = new TreeSet<>();
    collectRefs(MAPPER.readTree(body), refs);
    Set<String> schemas = doc.getComponents().getSchemas().keySet();

    assertThat(refs).isNotEmpty();
    assertThat(refs)
        .allSatisfy(
            ref ->
                assertThat(schemas)
                    .as("the target of %s", ref)
                    .contains(ref.substring(ref.lastIndexOf('/') + 1)));
  }

  @Test
  void the_yaml_document_is_the_same_document() {
    Reply yaml = Reply.of(APP.api("openapi.yaml").request().get());

    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.header(HttpHeaders.CONTENT_TYPE)).startsWith("application/yaml");
    assertThat(parse(yaml.body())).isEqualTo(doc);
  }

  @Test
  void every_registered_resource_method_is_documented_and_nothing_else() {
    Set<String> registered =
        registeredOperations(APP.getEnvironment().jersey().getResourceConfig());
    Set<String> documented = documentedOperations();
    assertThat(registered).as("read from Jersey").containsAll(HIDDEN).hasSizeGreaterThan(20);

    Set<String> missing = new TreeSet<>(registered);
    missing.removeAll(HIDDEN);
    missing.removeAll(documented);
    Set<String> extra = new TreeSet<>(documented);
    extra.removeAll(registered);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      fail(
          "registered in the application but not in the document: %s%n"
              + "in the document but not registered: %s",
          missing, extra);
    }
  }

  @Test
  void every_endpoint_of_the_specification_is_documented_with_its_query_parameters() {
    Map<String, Operation> byShape = new HashMap<>();
    forEachOperation((verb, path, operation) -> byShape.put(verb + " " + shape(path), operation));

    for (String endpoint : SPEC_ENDPOINTS) {
      String[] parts = endpoint.split(" ", 2);
      String[] pathAndQuery = parts[1].split("\\?", 2);
      String key = parts[0] + " " + shape(pathAndQuery[0].substring("/api".length()));
      Operation operation = byShape.get(key);
      assertThat(operation).as("%s in the document", endpoint).isNotNull();
      if (pathAndQuery.length > 1) {
        Set<String> query =
            operation.getParameters().stream()
                .filter(p -> "query".equals(p.getIn()))
                .map(Parameter::getName)
                .collect(Collectors.toSet());
        for (String pair : pathAndQuery[1].split("&")) {
          assertThat(query).as("query parameters of %s", endpoint).contains(pair.split("=")[0]);
        }
      }
    }
  }

  @Test
  void every_error_answer_refers_to_the_one_error_body() {
    Schema<?> error = doc.getComponents().getSchemas().get("ErrorBody");
    assertThat(error.getRequired()).containsExactly("error");
    Schema<?> detail = resolve(error.getProperties().get("error"));
    assertThat(detail.getProperties()).containsOnlyKeys("code", "message", "field");
    assertThat(detail.getRequired()).containsExactlyInAnyOrder("code", "message");

    List<String> checked = new ArrayList<>();
    forEachOperation(
        (verb, path, operation) ->
            operation
                .getResponses()
                .forEach(
                    (status, response) -> {
                      if (status.startsWith("4") || status.startsWith("5")) {
                        String where = verb + " " + path + " " + status;
                        assertThat(response.getDescription()).as(where).isNotBlank();
                        assertThat(response.getContent())
                            .as(where)
                            .containsOnlyKeys("application/json");
                        assertThat(
                                response.getContent().get("application/json").getSchema().get$ref())
                            .as(where)
                            .isEqualTo(ERROR_REF);
                        if (status.equals("429")) {
                          assertThat(response.getHeaders()).as(where).containsKey("Retry-After");
                        }
                        checked.add(where);
                      }
                    }));
    assertThat(checked).hasSizeGreaterThan(100);
  }

  @Test
  void every_operation_is_described_tagged_and_secured_as_the_code_is() {
    Set<String> tags = doc.getTags().stream().map(Tag::getName).collect(Collectors.toSet());
    assertThat(doc.getTags()).allSatisfy(t -> assertThat(t.getDescription()).isNotBlank());
    Set<String> ids = new TreeSet<>();
    Set<String> unsecured = new TreeSet<>();

    forEachOperation(
        (verb, path, operation) -> {
          String where = verb + " " + path;
          assertThat(operation.getOperationId()).as(where).isNotBlank();
          assertThat(ids.add(operation.getOperationId())).as("unique id of %s", where).isTrue();
          assertThat(operation.getSummary()).as(where).isNotBlank();
          assertThat(operation.getTags()).as(where).singleElement().isIn(tags);
          assertThat(operation.getResponses()).as(where).doesNotContainKey("default");
          assertThat(operation.getResponses().keySet())
              .as("a success answer of %s", where)
              .anyMatch(s -> s.startsWith("2"));
          for (Parameter parameter : parameters(operation)) {
            assertThat(parameter.getDescription())
                .as("%s parameter %s", where, parameter.getName())
                .isNotBlank();
          }
          List<SecurityRequirement> security = operation.getSecurity();
          if (security == null || security.isEmpty()) {
            unsecured.add(operation.getOperationId());
          } else if (security.get(0).containsKey(OpenApiDocument.STREAM_SIGNATURE)) {
            unsecured.add(operation.getOperationId());
            assertThat(parameters(operation).stream().filter(p -> "query".equals(p.getIn())))
                .extracting(Parameter::getName, Parameter::getRequired)
                .contains(tuple("exp", true))
                .contains(tuple("sig", true));
          } else if (security.get(0).containsKey(OpenApiDocument.KNOCK_TOKEN)) {
            unsecured.add(operation.getOperationId());
            assertThat(operation.getResponses()).as(where).containsKey("401");
          } else {
            assertThat(security)
                .as(where)
                .extracting(s -> s.keySet().iterator().next())
                .containsExactly(OpenApiDocument.BEARER, OpenApiDocument.COOKIE);
            assertThat(operation.getResponses()).as(where).containsKeys("401", "503");
            assertThat(operation.getDescription()).as(where).contains("**Who:**");
          }
          if (operation.getRequestBody() != null) {
            assertThat(operation.getResponses()).as(where).containsKeys("400", "413", "415");
          }
        });
    assertThat(unsecured).isEqualTo(PUBLIC);
  }

  @Test
  void the_document_needs_no_token_and_ignores_a_bad_one_or_a_cookie() {
    assertThat(APP.get("openapi.json", "not-a-jwt").status()).isEqualTo(200);
    Reply withCookie =
        Reply.of(
            APP.api("openapi.json")
                .request()
                .header(HttpHeaders.COOKIE, "samesong_access=not-a-jwt")
                .get());
    assertThat(withCookie.status()).isEqualTo(200);
    assertThat(withCookie.body()).isEqualTo(body);
  }

  @Test
  void what_real_calls_answer_has_the_documented_shape() {
    APP.clock().advance(Duration.ofMinutes(1));
    Reply login = APP.loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    conforms("POST", "/auth/login", login);
    String admin = login.text("access_token");
    conforms("GET", "/time", APP.get("time", null));
    conforms("GET", "/admin/settings", APP.get("admin/settings", admin));
    conforms("GET", "/admin/users", APP.get("admin/users", admin));
    conforms("GET", "/admin/library", APP.get("admin/library", admin));

    Reply created = APP.post("sessions", Map.of("name", "shapes"), admin);
    conforms("POST", "/sessions", created);
    String id = created.text("id");
    String host = created.text("host_token");
    Reply tracks = APP.get("catalog/tracks?limit=2", host);
    conforms("GET", "/catalog/tracks", tracks);
    String trackId = tracks.json().path("items").path(0).path("id").asText();
    Reply added = APP.post("sessions/" + id + "/playlist", Map.of("track_id", trackId), host);
    conforms("POST", "/sessions/{id}/playlist", added);
    conforms(
        "POST",
        "/sessions/{id}/playback",
        APP.post("sessions/" + id + "/playback", Map.of("action", "play"), host));
    conforms("GET", "/sessions/{id}/playlist", APP.get("sessions/" + id + "/playlist", host));

    Reply joined =
        APP.post("sessions/" + created.text("code") + "/join", Map.of("display_name", "Gus"), null);
    conforms("POST", "/sessions/{code}/join", joined);
    String guest = joined.text("token");
    conforms("GET", "/sessions/{id}", APP.get("sessions/" + id, guest));
    Reply proposed =
        APP.post(
            "sessions/" + id + "/requests",
            Map.of("action", "remove", "item_id", added.text("item_id"), "note", "enough"),
            guest);
    conforms("POST", "/sessions/{id}/requests", proposed);
    conforms("GET", "/sessions/{id}/requests", APP.get("sessions/" + id + "/requests", host));
    conforms(
        "POST",
        "/requests/{id}/deny",
        APP.post(
            "requests/" + proposed.text("request_id") + "/deny", Map.of("reason", "no"), host));

    conforms("GET", "/catalog/tracks", APP.get("catalog/tracks?limit=abc", host));
    conforms("GET", "/sessions/{id}", APP.get("sessions/" + UUID.randomUUID(), guest));
    conforms("POST", "/auth/login", APP.login(TestServer.ADMIN, "wrong-password"));
  }

  /** Asserts that a reply's body has the shape documented for its operation and status. */
  private static void conforms(String verb, String path, Reply reply) {
    String where = verb + " " + path + " " + reply.status();
    Operation operation =
        doc.getPaths().get(path).readOperationsMap().get(PathItem.HttpMethod.valueOf(verb));
    ApiResponse response = operation.getResponses().get(Integer.toString(reply.status()));
    assertThat(response).as("%s is documented (%s)", where, reply).isNotNull();
    MediaType json = response.getContent().get("application/json");
    assertThat(json).as(where).isNotNull();
    assertShape(reply.json(), json.getSchema(), where);
  }

  private static void assertShape(JsonNode node, Schema<?> declared, String where) {
    Schema<?> schema = resolve(declared);
    if (node.isNull()) {
      assertThat(
              Boolean.TRUE.equals(schema.getNullable())
                  || Boolean.TRUE.equals(declared.getNullable()))
          .as("%s may be null", where)
          .isTrue();
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      assertThat(schema.getEnum().stream().map(String::valueOf).toList())
          .as(where)
          .contains(node.asText());
    }
    String type = schema.getType();
    if (schema.getProperties() != null) {
      assertThat(node.isObject()).as("%s is an object: %s", where, node).isTrue();
      Set<String> fields = new LinkedHashSet<>();
      node.fieldNames().forEachRemaining(fields::add);
      assertThat(schema.getProperties().keySet())
          .as("the documented fields of %s", where)
          .containsAll(fields);
      if (schema.getRequired() != null) {
        assertThat(fields).as("the required fields of %s", where).containsAll(schema.getRequired());
      }
      for (String field : fields) {
        assertShape(node.get(field), schema.getProperties().get(field), where + "." + field);
      }
    } else if ("array".equals(type)) {
      assertThat(node.isArray()).as("%s is an array", where).isTrue();
      for (int i = 0; i < node.size(); i++) {
        assertShape(node.get(i), schema.getItems(), where + "[" + i + "]");
      }
    } else if ("object".equals(type)) {
      assertThat(node.isObject()).as("%s is an object", where).isTrue();
    } else if ("string".equals(type)) {
      assertThat(node.isTextual()).as("%s is a string: %s", where, node).isTrue();
    } else if ("integer".equals(type)) {
      assertThat(node.isIntegralNumber()).as("%s is a whole number: %s", where, node).isTrue();
    } else if ("number".equals(type)) {
      assertThat(node.isNumber()).as("%s is a number: %s", where, node).isTrue();
    } else if ("boolean".equals(type)) {
      assertThat(node.isBoolean()).as("%s is a boolean: %s", where, node).isTrue();
    } else {
      fail("%s has a schema without a type: %s", where, schema);
    }
  }

  private static Schema<?> resolve(Schema<?> schema) {
    Schema<?> resolved = schema;
    while (resolved.get$ref() != null) {
      String ref = resolved.get$ref();
      resolved = doc.getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
      assertThat(resolved).as(ref).isNotNull();
    }
    return resolved;
  }

  private static List<Parameter> parameters(Operation operation) {
    return operation.getParameters() == null ? List.of() : operation.getParameters();
  }

  private interface OperationVisitor {
    void visit(PathItem.HttpMethod verb, String path, Operation operation);
  }

  private static void forEachOperation(OperationVisitor visitor) {
    doc.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach((verb, operation) -> visitor.visit(verb, path, operation)));
  }

  private static Set<String> documentedOperations() {
    Set<String> operations = new TreeSet<>();
    forEachOperation((verb, path, operation) -> operations.add(verb + " " + path));
    return operations;
  }

  /**
   * Every resource method Jersey has registered, as {@code "VERB /path/{param}"}: root resources
   * registered as classes, instances or programmatic resources, their sub-resources and the
   * resources their locators return.
   */
  private static Set<String> registeredOperations(ResourceConfig config) {
    List<Resource> roots = new ArrayList<>(config.getResources());
    Set<Class<?>> classes = new LinkedHashSet<>(config.getClasses());
    config.getInstances().forEach(instance -> classes.add(instance.getClass()));
    for (Class<?> type : classes) {
      if (type.isAnnotationPresent(Path.class)) {
        roots.add(Resource.from(type));
      }
    }
    Set<String> operations = new TreeSet<>();
    for (Resource root : roots) {
      walk(root, "", operations);
    }
    return operations;
  }

  private static void walk(Resource resource, String prefix, Set<String> operations) {
    String path = normalise(prefix + "/" + (resource.getPath() == null ? "" : resource.getPath()));
    for (ResourceMethod method : resource.getResourceMethods()) {
      operations.add(method.getHttpMethod() + " " + path);
    }
    ResourceMethod locator = resource.getResourceLocator();
    if (locator != null) {
      Resource located = Resource.from(locator.getInvocable().getRawResponseType());
      if (located != null) {
        walk(Resource.builder(located).path("").build(), path, operations);
      }
    }
    for (Resource child : resource.getChildResources()) {
      walk(child, path, operations);
    }
  }

  private static final Pattern REGEX_PARAM = Pattern.compile("\\{\\s*([^}:\\s]+)\\s*:[^}]*}");

  /** One slash between segments, none at the end, and {@code {name: regex}} as {@code {name}}. */
  static String normalise(String path) {
    Matcher m = REGEX_PARAM.matcher(path);
    String plain = m.replaceAll("{$1}").replaceAll("/+", "/");
    return plain.length() > 1 && plain.endsWith("/")
        ? plain.substring(0, plain.length() - 1)
        : plain;
  }

  /**
   * A path with its parameters unnamed: the specification says {@code member_id}, Java {@code
   * memberId}.
   */
  private static String shape(String path) {
    return normalise(path).replaceAll("\\{[^}]*}", "{}");
  }

  private static void collectRefs(JsonNode node, Set<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().equals("$ref")) {
          refs.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }
}
