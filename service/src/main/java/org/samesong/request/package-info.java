/** Guest requests and their approval flow (the request log). */
package org.samesong.request;
