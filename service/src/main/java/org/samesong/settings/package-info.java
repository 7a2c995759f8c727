/**
 * Runtime settings (spec section 2): stored in the database, editable by admins through the API and
 * the admin screen, effective without a restart.
 */
package org.samesong.settings;
