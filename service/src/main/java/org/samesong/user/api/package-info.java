/** The admin user endpoints' JSON bodies: a new user, a change to one, the list of users. */
package org.samesong.user.api;
