package org.samesong.user;

import io.dropwizard.auth.Auth;
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
import java.util.List;
import java.util.Map;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.user.api.NewUser;
import org.samesong.user.api.UserPatch;

/** {@code /api/admin/users}: list, create, disable and reset accounts. */
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
  public Map<String, List<User>> list() {
    return Map.of("users", users.list());
  }

  @POST
  public Response create(@NotNull NewUser body) {
    User user = users.create(body.username(), body.password(), body.role());
    return Response.status(201).entity(user).build();
  }

  @PATCH
  @Path("/{id}")
  public User update(
      @Auth SamesongPrincipal admin, @PathParam("id") String id, @NotNull UserPatch body) {
    if (body.disabled() == null && body.password() == null && body.role() == null) {
      throw ApiException.badRequest("invalid_body", "body", "send disabled, password or role");
    }
    return users.update(Ids.requireUuid(id, "user"), body, admin.subject());
  }
}
