package org.samesong.integration.api;

import java.util.List;

/** A session's integration tokens, newest first. */
public record IntegrationTokenListJson(List<IntegrationTokenJson> tokens) {}
