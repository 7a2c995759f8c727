package org.samesong.user;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.user.api.NewUser;
import org.samesong.user.api.UserListJson;
import org.samesong.user.api.UserPatch;

/** {@code /api/admin/users}: list, create, disable and reset accounts. */
@Tag(name = "users")
@Path("/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminUserResource {
  private final UserService users;

  public AdminUserResource(UserService users) {
    this.users = users;
  }

  @GET
  @Operation(operationId = "listUsers", summary = "Every account")
  @ApiResponse(responseCode = "200", description = "The accounts.", useReturnTypeSchema = true)
  public UserListJson list() {
    return new UserListJson(users.list());
  }

  @POST
  @Operation(
      operationId = "createUser",
      summary = "Create an account",
      description =
          "Usernames are case-insensitive, 3–64 of `a-z 0-9 . _ -`; passwords 8–256 characters;"
              + " role `admin` or `user` (the default).")
  @ApiResponse(
      responseCode = "201",
      description = "The new account.",
      content = @Content(schema = @Schema(implementation = User.class)))
  @ApiResponse(
      responseCode = "400",
      description = "A bad username, password or role; `field` names it.")
  @ApiResponse(responseCode = "409", description = "The username is taken (`username_taken`).")
  public Response create(@NotNull NewUser body) {
    User user = users.create(body.username(), body.password(), body.role());
    return Response.status(201).entity(user).build();
  }

  @PATCH
  @Path("/{id}")
  @Operation(
      operationId = "changeUser",
      summary = "Disable or enable an account, reset its password, change its role",
      description =
          "Any of `disabled`, `password`, `role`. Disabling or a new password ends every login of"
              + " the account at once.")
  @ApiResponse(
      responseCode = "200",
      description = "The account after the change.",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "400",
      description = "None of the fields, or a bad password or role; `field` names it.")
  @ApiResponse(responseCode = "404", description = "No such account (`not_found`).")
  @ApiResponse(
      responseCode = "409",
      description =
          "The last active admin cannot be disabled or demoted (`last_admin`), nor an admin"
              + " disable their own account (`self_disable`).")
  public User update(
      @Auth SamesongPrincipal admin,
      @Parameter(description = "The account's id.") @PathParam("id") String id,
      @NotNull UserPatch body) {
    if (body.disabled() == null && body.password() == null && body.role() == null) {
      throw ApiException.badRequest("invalid_body", "body", "send disabled, password or role");
    }
    return users.update(Ids.requireUuid(id, "user"), body, admin.subject());
  }
}
