/**
 * The executable: {@link org.samesong.server.Main} runs the full application, the service with the
 * Vaadin UI ({@code java -jar samesong.jar server [config.yml]}).
 */
package org.samesong.server;
