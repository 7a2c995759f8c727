/**
 * Operations metrics: the {@code samesong_} series in a Prometheus registry per application
 * instance. A leaf package: features record into it; it knows none of them.
 */
package org.samesong.metrics;
