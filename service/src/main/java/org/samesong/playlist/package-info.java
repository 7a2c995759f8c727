/** A session's playlist: items, positions, version; host edits and guest proposals. */
package org.samesong.playlist;
