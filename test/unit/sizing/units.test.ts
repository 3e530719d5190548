import { describe, expect, it } from 'vitest';
import {
  formatBinaryBytes,
  formatBytes,
  formatDuration,
  formatThroughput,
  parseDuration,
  parseFraction,
  parseRate,
  parseSize,
  parseThroughput,
  UnitParseError,
} from '../../../src/sizing/units.js';

describe('parseSize', () => {
  it.each([
    ['30KB', 30_000],
    ['30 KiB', 30_720],
    ['15MB', 15_000_000],
    ['8MiB', 8_388_608],
    ['1.5 GB', 1_500_000_000],
    ['2TiB', 2 * 1024 ** 4],
    ['512B', 512],
    ['1e3KB', 1_000_000],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['30', '', 'KB', '30 XB', '-5KB', '30KBps'])('refuses %j', (text) => {
    expect(() => parseSize(text)).toThrow(UnitParseError);
  });

  it('refuses a bare number (units are explicit)', () => {
    expect(() => parseSize(30)).toThrow(/expected a size with a unit/);
  });
});

describe('parseRate', () => {
  it.each([
    ['1000/s', 1000],
    ['150,000/s', 150_000],
    ['60000/min', 1000],
    ['2k/s', 2000],
    ['3600/h', 1],
    ['250', 250],
  ])('%s = %d per second', (text, rate) => {
    expect(parseRate(text)).toBeCloseTo(rate, 9);
  });
  it('accepts numbers as per-second', () => expect(parseRate(42)).toBe(42));
  it.each(['fast', '10/fortnight', '-5/s'])('refuses %j', (text) => expect(() => parseRate(text)).toThrow(UnitParseError));
});

describe('parseThroughput', () => {
  it('reads decimal and binary per-second sizes', () => {
    expect(parseThroughput('5MB/s')).toBe(5e6);
    expect(parseThroughput('512 KiB/s')).toBe(512 * 1024);
    expect(parseThroughput('200MBps')).toBe(200e6);
  });
  it('refuses a size without /s', () => expect(() => parseThroughput('5MB')).toThrow(UnitParseError));
});

describe('parseDuration', () => {
  it.each([
    ['72h', 259_200],
    ['7d', 604_800],
    ['30m', 1800],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['60s', 60],
  ])('%s = %d s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['72', 'soon', '', '5 parsecs'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(UnitParseError));
});

describe('parseFraction', () => {
  it('accepts fractions and percentages', () => {
    expect(parseFraction('0.8')).toBe(0.8);
    expect(parseFraction('80%')).toBe(0.8);
    expect(parseFraction('75')).toBe(0.75);
  });
  it.each(['0', '150%', 'most'])('refuses %j', (text) => expect(() => parseFraction(text)).toThrow(UnitParseError));
});

describe('formatting states units', () => {
  it('uses decimal units by default and binary when asked', () => {
    expect(formatBytes(1_166_400e9)).toBe('1,166.4 TB');
    expect(formatThroughput(4.5e9)).toBe('4.5 GB/s');
    expect(formatBinaryBytes(8_388_608)).toBe('8 MiB');
    expect(formatBytes(12)).toBe('12 B');
  });
  it('formats durations', () => {
    expect(formatDuration(259_200)).toBe('3 d');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(0.25)).toBe('250 ms');
  });
});
