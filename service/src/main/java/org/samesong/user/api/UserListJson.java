package org.samesong.user.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.samesong.user.User;

/** {@code GET /api/admin/users}: {@code {users: [...]}}. */
@Schema(name = "UserList")
public record UserListJson(List<User> users) {
  public UserListJson {
    users = List.copyOf(users);
  }
}
