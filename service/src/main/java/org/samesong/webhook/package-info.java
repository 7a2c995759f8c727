/**
 * Webhooks: every session event (created, ended, request created or decided, track started, member
 * joined or left) as a signed JSON POST to each URL of the {@code webhook_urls} setting. Events are
 * written to an outbox in the transaction of the change; a deliverer of its own (never a request's
 * or a broadcast's thread) sends them, retries with exponential backoff for 24 hours, and keeps
 * each URL's status for the admin screen. URLs pass the same address check as URL tracks ({@code
 * allow_private_urls}).
 */
package org.samesong.webhook;
