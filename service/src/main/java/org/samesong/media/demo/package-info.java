/**
 * The demo catalog: four short tracks synthesised into the data folder on the first start ({@link
 * org.samesong.media.demo.Synth}), so a fresh installation plays sound without any files of its own
 * ({@link org.samesong.media.demo.DemoCatalog}).
 */
package org.samesong.media.demo;
