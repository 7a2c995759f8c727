package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A knock: someone waiting to be let into a session in {@code knock} mode. The knocker gets {@code
 * knock_token} once (202 to the join); the host and co-hosts see the others.
 */
@Schema(name = "Knock")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KnockJson(
    @JsonProperty("knock_id") String knockId,
    @JsonProperty("display_name") String displayName,
    @Schema(allowableValues = {"pending", "admitted", "refused"}) String status,
    @Schema(nullable = true, description = "Only in the answer to the knocker's join.")
        @JsonProperty("knock_token")
        String knockToken) {}
