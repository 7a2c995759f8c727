/** Sessions, invite codes, members: create, join, view, end, kick. */
package org.samesong.session;
