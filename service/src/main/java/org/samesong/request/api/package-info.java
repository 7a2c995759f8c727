/** Guest requests on the wire: a new request, a denial's reason, a request and a list of them. */
package org.samesong.request.api;
