/** Webhook bodies of the admin API. */
package org.samesong.webhook.api;
