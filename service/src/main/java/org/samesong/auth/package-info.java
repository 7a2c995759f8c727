/**
 * Authentication: logins, JWT access and refresh tokens with family revocation, the request filter
 * (bearer or cookie with CSRF double-submit) and the role authorizer every resource relies on.
 */
package org.samesong.auth;
