package org.samesong.media.library;

/** A file that cannot be read as audio of its kind (corrupt, truncated, not audio at all). */
public class UnreadableAudioException extends Exception {
  public UnreadableAudioException(String message) {
    super(message, null, false, false);
  }
}
