/** First-run setup and login screens. */
package org.samesong.ui.login;
