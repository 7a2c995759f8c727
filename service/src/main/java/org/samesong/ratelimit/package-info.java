/** Rate limits for logins, joins and guest requests, sized by the runtime settings. */
package org.samesong.ratelimit;
