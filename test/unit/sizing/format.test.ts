import { describe, expect, it } from 'vitest';
import { formatBytesBoth, formatFigure, formatStorage, formatUsd } from '../../../src/sizing/format.js';

describe('sizing figures with units', () => {
  it('adds the binary reading only where a byte figure is binary', () => {
    expect(formatBytesBoth(8_388_608)).toBe('8.39 MB (8 MiB)');
    expect(formatBytesBoth(15e6)).toBe('15 MB');
    expect(formatBytesBoth(1_048_576_000)).toBe('1.05 GB (1,000 MiB)');
    expect(formatBytesBoth(512)).toBe('512 B');
  });

  it('prints storage both ways', () => {
    expect(formatStorage(1.1664e15)).toBe('1,166.4 TB (1,060.835 TiB)');
    expect(formatStorage(9.072e12)).toBe('9.072 TB (8.251 TiB)');
  });

  it('formats by canonical unit, singular for one', () => {
    expect(formatFigure(450e3, 'B/s')).toBe('450 KB/s');
    expect(formatFigure(2400, 'partitions')).toBe('2,400 partitions');
    expect(formatFigure(1, 'groups')).toBe('1 group');
    expect(formatFigure(15000, 'requests/s')).toBe('15,000 requests/s');
  });

  it('rounds dollars above 100 to whole dollars', () => {
    expect(formatUsd(6954.04)).toBe('$6,954');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
