/** Sessions on the wire: creating and joining one, a session, its members, the join answer. */
package org.samesong.session.api;
