/** Integration token bodies. */
package org.samesong.integration.api;
