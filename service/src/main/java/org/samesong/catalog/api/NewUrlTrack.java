package org.samesong.catalog.api;

/** {@code POST /api/catalog/tracks}: the http(s) URL of an audio file to add as a URL track. */
public record NewUrlTrack(String url) {}
