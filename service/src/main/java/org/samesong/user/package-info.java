/** Accounts: the first admin, admin-managed users, password hashing. */
package org.samesong.user;
