/** The auth endpoints' JSON bodies: login and refresh requests and the token answer. */
package org.samesong.auth.api;
