/** The catalog's JSON bodies: a track as the API shows it, and a page of search results. */
package org.samesong.catalog.api;
