package org.samesong.user.api;

/** {@code POST /api/admin/users}: username, password, role ({@code user} when absent). */
public record NewUser(String username, String password, String role) {}
