package org.samesong.integration.api;

/** {@code {name}}: what the host calls the integration (an overlay, a bot). */
public record NewIntegrationToken(String name) {}
