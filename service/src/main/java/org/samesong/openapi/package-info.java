/**
 * The OpenAPI 3 document of the REST API: read once from the resources' annotations, completed with
 * what follows from the code itself (who may call, the uniform error body), and served at {@code
 * /api/openapi.json} and {@code /api/openapi.yaml}.
 */
package org.samesong.openapi;
