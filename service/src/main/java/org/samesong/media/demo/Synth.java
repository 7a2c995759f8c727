package org.samesong.media.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small wavetable synthesiser that performs a {@link DemoSong}: a composed melody over a chord
 * progression, a bass line, a soft chord pad and a drum kit (swept-sine kick, noise snare and
 * clicks), mixed in mono at {@value #RATE} Hz and returned as 16-bit samples.
 *
 * <p>Tones read one precomputed cycle of their spectrum instead of calling {@code sin} per harmonic
 * and sample, which keeps a two-minute track in the tens of milliseconds. All arithmetic is
 * deterministic, so the same song always gives the same samples.
 */
public final class Synth {
  public static final int RATE = 22050;

  private static final int TABLE = 4096;
  private static final int MASK = TABLE - 1;
  private static final float[] SINE = wavetable(new float[] {1f});

  /** Melody steps: mostly stepwise, sometimes a leap. */
  private static final int[] MOVES = {-2, -1, -1, -1, 0, 1, 1, 1, 2, 3, -3};

  /** The melody's range in scale degrees around the tonic. */
  private static final int LOWEST = -3;

  private static final int HIGHEST = 7;

  private static final int REST = Integer.MIN_VALUE;

  private static final float KICK_GAIN = 0.45f;
  private static final float SNARE_GAIN = 0.16f;
  private static final float HAT_GAIN = 0.10f;
  private static final double FADE_OUT_SECONDS = 4.0;
  private static final double PEAK = 0.89;

  private Synth() {}

  /** One note of the melody, on the eighth-note grid of its phrase. */
  private record Note(int step, int length, int degree) {}

  static short[] render(DemoSong song) {
    float[] mix = new float[song.samples()];
    float[] lead = wavetable(song.lead().harmonics());
    float[] bass = wavetable(song.bass().harmonics());
    float[] pad = wavetable(song.pad().harmonics());

    int stepsPerBar = song.beatsPerBar() * 2;
    double stepLength = RATE * 60.0 / song.bpm() / 2;
    double barLength = stepLength * stepsPerBar;
    int bars = (int) Math.ceil(mix.length / barLength);
    int introBars = 2;

    // the form, in phrases of four bars: A A' B A', where A' closes on the tonic chord and B is
    // new in every round, over the progression started half-way through
    int[] main = song.progression();
    int[] closing = main.clone();
    closing[closing.length - 1] = 0;
    int[] alternate = rotate(main, 2);
    List<Note> phraseA = phrase(new Random(song.seed()), song, main, false);
    List<Note> phraseA2 = phrase(new Random(song.seed()), song, closing, true);
    for (int bar = 0; bar < bars; bar++) {
      double barStart = bar * barLength;
      int chord;
      if (bar < introBars) {
        chord = main[bar % main.length];
      } else {
        int block = (bar - introBars) / 4;
        int barInBlock = (bar - introBars) % 4;
        int[] chords = block % 4 == 2 ? alternate : block % 2 == 1 ? closing : main;
        chord = chords[barInBlock % chords.length];
        if (barInBlock == 0) {
          List<Note> notes =
              block % 4 == 2
                  ? phrase(new Random(song.seed() * 31 + block), song, alternate, false)
                  : block % 2 == 1 ? phraseA2 : phraseA;
          for (Note note : notes) {
            if (note.degree() != REST) {
              int start = (int) Math.round(barStart + note.step() * stepLength);
              int length = (int) Math.round(note.length() * stepLength * 0.92);
              tone(mix, start, length, pitch(song, song.tonic(), note.degree()), lead, song.lead());
            }
          }
        }
      }
      bassBar(mix, song, bass, chord, bar, barStart, stepLength);
      padBar(mix, song, pad, chord, barStart, stepLength);
      drumBar(mix, song, bar, barStart, stepLength);
    }
    return finish(mix);
  }

  /**
   * Composes four bars over the given chords: a random walk on the scale, landing on chord tones on
   * strong beats; a cadence ends on the tonic, otherwise the phrase stays open.
   */
  private static List<Note> phrase(Random random, DemoSong song, int[] chords, boolean cadence) {
    int[][] rhythms = song.beatsPerBar() == 3 ? WALTZ_RHYTHMS : COMMON_RHYTHMS;
    int stepsPerBar = song.beatsPerBar() * 2;
    List<Note> notes = new ArrayList<>();
    int degree = nearestChordTone(2, chords[0]);
    for (int bar = 0; bar < 4; bar++) {
      int[] rhythm = bar == 3 ? rhythms[0] : rhythms[random.nextInt(rhythms.length)];
      int step = 0;
      for (int i = 0; i < rhythm.length; i++) {
        boolean strong = step == 0 || (song.beatsPerBar() == 4 && step == 4);
        boolean last = bar == 3 && i == rhythm.length - 1;
        int move = MOVES[random.nextInt(MOVES.length)];
        boolean rest = random.nextInt(9) == 0;
        if (rest && !strong && !last) {
          notes.add(new Note(bar * stepsPerBar + step, rhythm[i], REST));
          step += rhythm[i];
          continue;
        }
        degree = Math.max(LOWEST, Math.min(HIGHEST, degree + move));
        if (strong) {
          degree = nearestChordTone(degree, chords[bar % chords.length]);
        }
        if (last) {
          degree =
              cadence
                  ? (degree > 3 ? 7 : 0)
                  : nearestChordTone(degree, chords[bar % chords.length]);
        }
        notes.add(new Note(bar * stepsPerBar + step, rhythm[i], degree));
        step += rhythm[i];
      }
    }
    return notes;
  }

  /** Bar rhythms in eighths; the first one, with a long last note, closes a phrase. */
  private static final int[][] COMMON_RHYTHMS = {
    {2, 2, 4},
    {2, 2, 2, 2},
    {1, 1, 2, 1, 1, 2},
    {3, 1, 2, 2},
    {2, 1, 1, 4},
    {1, 1, 1, 1, 2, 2},
    {4, 2, 2}
  };

  private static final int[][] WALTZ_RHYTHMS = {
    {2, 4}, {2, 2, 2}, {3, 1, 2}, {2, 1, 1, 2}, {4, 2}, {1, 1, 2, 2}
  };

  private static void bassBar(
      float[] mix, DemoSong song, float[] table, int chord, int bar, double barStart, double step) {
    int root = Math.floorMod(chord, 7);
    int tonic = song.tonic() - 24;
    int[][] notes = // {step, length, degree}
        switch (song.bassLine()) {
          case ROOT_FIFTH -> new int[][] {{0, 4, root}, {4, 3, root + 4}, {7, 1, root + 2}};
          case WALKING ->
              new int[][] {{0, 2, root}, {2, 2, root + 2}, {4, 2, root + 4}, {6, 2, root + 2}};
          case WALTZ -> new int[][] {{0, 2, bar % 2 == 0 ? root : root - 3}};
          case PULSE ->
              new int[][] {
                {0, 1, root}, {1, 1, root}, {2, 1, root}, {3, 1, root + 7},
                {4, 1, root}, {5, 1, root}, {6, 1, root + 4}, {7, 1, root + 7}
              };
        };
    for (int[] n : notes) {
      int start = (int) Math.round(barStart + n[0] * step);
      int length = (int) Math.round(n[1] * step * 0.9);
      tone(mix, start, length, pitch(song, tonic, n[2]), table, song.bass());
    }
  }

  private static void padBar(
      float[] mix, DemoSong song, float[] table, int chord, double barStart, double step) {
    int tonic = song.tonic() - 12;
    int root = Math.floorMod(chord, 7);
    int[] chordTones = {root, root + 2, root + 4};
    if (song.bassLine() == DemoSong.BassLine.WALTZ) {
      // oom-pah-pah: short chords on beats two and three
      for (int beat = 1; beat < 3; beat++) {
        int start = (int) Math.round(barStart + beat * 2 * step);
        for (int degree : chordTones) {
          tone(
              mix,
              start,
              (int) Math.round(step * 1.2),
              pitch(song, tonic, degree),
              table,
              song.pad());
        }
      }
      return;
    }
    int start = (int) Math.round(barStart);
    int length = (int) Math.round(song.beatsPerBar() * 2 * step * 0.97);
    for (int degree : chordTones) {
      tone(mix, start, length, pitch(song, tonic, degree), table, song.pad());
    }
  }

  private static void drumBar(float[] mix, DemoSong song, int bar, double barStart, double step) {
    int seed = (int) song.seed() * 7919 + bar;
    for (int s = 0; s < song.beatsPerBar() * 2; s++) {
      int at = (int) Math.round(barStart + s * step);
      float accent = s == 0 ? 1f : s % 2 == 0 ? 0.75f : 0.55f;
      if (hit(song.kick(), s)) {
        kick(mix, at);
      }
      if (hit(song.snare(), s)) {
        snare(mix, at, seed * 31 + s);
      }
      if (hit(song.hat(), s)) {
        click(mix, at, accent, seed * 17 + s);
      }
    }
  }

  private static boolean hit(String pattern, int step) {
    return step < pattern.length() && pattern.charAt(step) == 'x';
  }

  /**
   * Adds one note: wavetable oscillator (with optional vibrato) under an attack-decay-sustain
   * envelope and a linear release after {@code length} samples.
   */
  private static void tone(
      float[] mix, int start, int length, double frequency, float[] table, DemoSong.Voice voice) {
    int attackEnd = Math.min(start + Math.max(1, (int) (voice.attack() * RATE)), start + length);
    int holdEnd = start + length;
    int release = Math.max(1, (int) (voice.release() * RATE));
    float decay = voice.decay() > 0 ? (float) StrictMath.exp(-1.0 / (voice.decay() * RATE)) : 1f;
    Oscillator osc = new Oscillator(mix, table, frequency, voice.vibrato(), voice.gain());
    // each stage moves the level by level = level * multiplier + addend per sample
    osc.run(start, attackEnd, 1f, 1f / (attackEnd - start));
    osc.run(attackEnd, holdEnd, decay, voice.sustain() * (1f - decay));
    osc.run(holdEnd, holdEnd + release, 1f, -osc.level / release);
  }

  /**
   * A wavetable oscillator with a 32-bit phase accumulator (the top 12 bits index the table, the
   * rest interpolate), so the phase wraps by itself.
   */
  private static final class Oscillator {
    private static final float FRACTION = 1f / (1 << 20);
    private static final int VIBRATO_INCREMENT = (int) Math.round(5.5 * 4294967296.0 / RATE);

    private final float[] mix;
    private final float[] table;
    private final int increment;
    private final float vibrato;
    private final float gain;
    private int phase;
    private int vibratoPhase;
    float level;

    Oscillator(float[] mix, float[] table, double frequency, float vibrato, float gain) {
      this.mix = mix;
      this.table = table;
      this.increment = (int) Math.round(frequency * 4294967296.0 / RATE);
      this.vibrato = vibrato;
      this.gain = gain;
    }

    void run(int from, int to, float multiplier, float addend) {
      int end = Math.min(to, mix.length);
      for (int i = Math.max(from, 0); i < end; i++) {
        int index = phase >>> 20;
        float a = table[index];
        float b = table[(index + 1) & MASK];
        float sample = a + (b - a) * ((phase & 0xFFFFF) * FRACTION);
        mix[i] += sample * level * gain;
        level = level * multiplier + addend;
        if (vibrato > 0) {
          phase += increment + (int) (increment * vibrato * SINE[vibratoPhase >>> 20]);
          vibratoPhase += VIBRATO_INCREMENT;
        } else {
          phase += increment;
        }
      }
    }
  }

  /** A kick drum: a sine falling from about 110 Hz to 40 Hz, dying away in a quarter second. */
  private static void kick(float[] mix, int start) {
    int end = Math.min(mix.length, start + (int) (0.3 * RATE));
    float sweep = 1f;
    float sweepDecay = (float) StrictMath.exp(-1.0 / (0.035 * RATE));
    float level = KICK_GAIN;
    float levelDecay = (float) StrictMath.exp(-1.0 / (0.11 * RATE));
    double phase = 0;
    for (int i = start; i < end; i++) {
      mix[i] += SINE[(int) phase & MASK] * level;
      phase += (40 + 70 * sweep) * TABLE / RATE;
      sweep *= sweepDecay;
      level *= levelDecay;
    }
  }

  /** A snare: a burst of noise over a short 190 Hz body. */
  private static void snare(float[] mix, int start, int seed) {
    int end = Math.min(mix.length, start + (int) (0.2 * RATE));
    int noise = seed | 1;
    float level = SNARE_GAIN;
    float levelDecay = (float) StrictMath.exp(-1.0 / (0.055 * RATE));
    double phase = 0;
    for (int i = start; i < end; i++) {
      noise = xorshift(noise);
      float white = noise / (float) Integer.MAX_VALUE;
      mix[i] += (white * 0.8f + SINE[(int) phase & MASK] * 0.6f) * level;
      phase += 190.0 * TABLE / RATE;
      level *= levelDecay;
    }
  }

  /** A percussive click (closed hi-hat): high-passed noise gone within 40 ms. */
  private static void click(float[] mix, int start, float accent, int seed) {
    int end = Math.min(mix.length, start + (int) (0.04 * RATE));
    int noise = seed | 1;
    float previous = 0f;
    float level = HAT_GAIN * accent;
    float levelDecay = (float) StrictMath.exp(-1.0 / (0.009 * RATE));
    for (int i = start; i < end; i++) {
      noise = xorshift(noise);
      float white = noise / (float) Integer.MAX_VALUE;
      mix[i] += (white - previous) * 0.5f * level;
      previous = white;
      level *= levelDecay;
    }
  }

  private static int xorshift(int x) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  }

  /** Fades in and out, scales the loudest sample to {@value #PEAK} of full scale, converts. */
  private static short[] finish(float[] mix) {
    int fadeIn = RATE / 50;
    for (int i = 0; i < fadeIn && i < mix.length; i++) {
      mix[i] *= (float) i / fadeIn;
    }
    int fadeOut = (int) (FADE_OUT_SECONDS * RATE);
    for (int i = Math.max(0, mix.length - fadeOut); i < mix.length; i++) {
      float remaining = (float) (mix.length - i) / fadeOut;
      mix[i] *= remaining * remaining;
    }
    float peak = 1e-6f;
    for (float v : mix) {
      peak = Math.max(peak, Math.abs(v));
    }
    float scale = (float) (PEAK * Short.MAX_VALUE / peak);
    short[] samples = new short[mix.length];
    for (int i = 0; i < mix.length; i++) {
      samples[i] = (short) Math.round(mix[i] * scale);
    }
    return samples;
  }

  /** The frequency of a scale degree counted from {@code tonic} (a MIDI note), in Hz. */
  private static double pitch(DemoSong song, int tonic, int degree) {
    int octave = Math.floorDiv(degree, 7);
    int midi = tonic + 12 * octave + song.scale()[Math.floorMod(degree, 7)];
    return 440.0 * StrictMath.pow(2, (midi - 69) / 12.0);
  }

  /**
   * The chord tone (root, third or fifth of the chord on {@code chord}) closest to {@code degree}.
   */
  private static int nearestChordTone(int degree, int chord) {
    for (int distance = 0; distance < 7; distance++) {
      for (int candidate : new int[] {degree - distance, degree + distance}) {
        int relative = Math.floorMod(candidate - chord, 7);
        boolean inRange = candidate >= LOWEST && candidate <= HIGHEST;
        if (inRange && (relative == 0 || relative == 2 || relative == 4)) {
          return candidate;
        }
      }
    }
    return degree;
  }

  private static int[] rotate(int[] values, int by) {
    int[] rotated = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      rotated[i] = values[(i + by) % values.length];
    }
    return rotated;
  }

  /** One cycle of the given harmonic spectrum, peak-normalised. */
  static float[] wavetable(float[] harmonics) {
    double[] values = new double[TABLE];
    double peak = 1e-9;
    for (int i = 0; i < TABLE; i++) {
      double x = 2 * Math.PI * i / TABLE;
      double sum = 0;
      for (int h = 0; h < harmonics.length; h++) {
        sum += harmonics[h] * StrictMath.sin((h + 1) * x);
      }
      values[i] = sum;
      peak = Math.max(peak, Math.abs(sum));
    }
    float[] table = new float[TABLE];
    for (int i = 0; i < TABLE; i++) {
      table[i] = (float) (values[i] / peak);
    }
    return table;
  }
}
