/**
 * Integrations that read a session: read-only integration tokens a host makes and revokes, and the
 * session's broadcasts as Server-Sent Events ({@code GET /api/sessions/{id}/events}), resumable
 * with {@code Last-Event-ID} from what this instance still holds, else starting with a {@code
 * state} snapshot.
 */
package org.samesong.integration;
