package org.samesong.webhook.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The new webhook signing secret. */
public record SigningSecretJson(@JsonProperty("signing_secret") String signingSecret) {}
