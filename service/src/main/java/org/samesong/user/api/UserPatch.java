package org.samesong.user.api;

/** {@code PATCH /api/admin/users/{id}}: any of disable/enable, a new password, a new role. */
public record UserPatch(Boolean disabled, String password, String role) {}
