/** The host console. */
package org.samesong.ui.host;
