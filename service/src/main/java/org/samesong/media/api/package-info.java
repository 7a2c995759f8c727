/** Response bodies of the media feature's admin endpoints. */
package org.samesong.media.api;
