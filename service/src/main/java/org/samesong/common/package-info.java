/** What every feature shares: the API's error shape, its mappers, ids and request limits. */
package org.samesong.common;
