import { describe, expect, it } from 'vitest';
import { ago, bytesSize, fromHumanSize, humanDuration, humanSize, humanSize4, parseSize } from './units.js';

// Expected values were printed by docker/go-units running under Go.
describe('humanSize', () => {
  it('prints three significant digits with decimal units as docker images does', () => {
    expect(humanSize(1982583)).toBe('1.98MB');
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(23)).toBe('23B');
    expect(humanSize(262144)).toBe('262kB');
    expect(humanSize(2244829)).toBe('2.24MB');
    expect(humanSize(3.56e6)).toBe('3.56MB');
    expect(humanSize(3072)).toBe('3.07kB');
    expect(humanSize(4608)).toBe('4.61kB');
    expect(humanSize(1000)).toBe('1kB');
  });

  it('rounds exact ties to even like Go, not away from zero like toPrecision', () => {
    expect(humanSize(1125)).toBe('1.12kB');
    expect(humanSize(1135)).toBe('1.14kB');
  });

  it('keeps go-units quirks: exponent form when rounding reaches 1000', () => {
    expect(humanSize(999999)).toBe('1e+03kB');
    expect(humanSize(999500)).toBe('1e+03kB');
    expect(humanSize(1e28)).toBe('1e+04YB');
    expect(humanSize(1e25)).toBe('10YB');
  });

  it('offers go-units HumanSize with four digits', () => {
    expect(humanSize4(3072)).toBe('3.072kB');
    expect(humanSize4(4608)).toBe('4.608kB');
    expect(humanSize4(999500)).toBe('999.5kB');
    expect(humanSize4(262144)).toBe('262.1kB');
  });
});

describe('bytesSize', () => {
  it('uses binary units with four significant digits', () => {
    expect(bytesSize(1000)).toBe('1000B');
    expect(bytesSize(999999)).toBe('976.6KiB');
    expect(bytesSize(3072)).toBe('3KiB');
    expect(bytesSize(1982583)).toBe('1.891MiB');
    expect(bytesSize(1e18)).toBe('888.2PiB');
  });
});

describe('humanDuration', () => {
  const cases: Array<[number, string]> = [
    [0, 'Less than a second'], [0.5, 'Less than a second'], [-5, 'Less than a second'],
    [1, '1 second'], [1.9, '1 second'], [2, '2 seconds'], [59.9, '59 seconds'],
    [60, 'About a minute'], [119, 'About a minute'], [120, '2 minutes'], [3599, '59 minutes'],
    [3600, 'About an hour'], [5399, 'About an hour'], [5400, '2 hours'], [86399, '24 hours'],
    [172799, '2 days'], [1209599, '2 weeks'], [5183999, '2 months'], [5184000, '2 months'],
    [63071999, '1 years'], [63072000, '2 years'], [94608000, '3 years'],
  ];
  it.each(cases)('prints %s seconds as %j with go-units thresholds', (secs, want) => {
    expect(humanDuration(secs)).toBe(want);
  });

  it('appends " ago" for the CREATED column', () => {
    expect(ago(1_700_000_000, 1_700_000_120)).toBe('2 minutes ago');
    expect(ago(1_700_000_100, 1_700_000_000)).toBe('Less than a second ago');
  });
});

describe('parseSize', () => {
  it('reads --memory values in binary multiples, case-insensitively', () => {
    expect(parseSize('512m')).toBe(512 * 1024 * 1024);
    expect(parseSize('1g')).toBe(2 ** 30);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('32kb')).toBe(32768);
    expect(parseSize('100')).toBe(100);
    expect(parseSize('100b')).toBe(100);
    expect(parseSize('4 MB')).toBe(4 * 2 ** 20);
    expect(parseSize('0.5k')).toBe(512);
  });

  it('rejects what go-units rejects, with its messages', () => {
    expect(() => parseSize('12x')).toThrow("invalid suffix: 'x'");
    expect(() => parseSize('12mbb')).toThrow("invalid suffix: 'mbb'");
    expect(() => parseSize('12kib1')).toThrow('parsing "12kib1": invalid syntax');
    expect(() => parseSize('m')).toThrow("invalid size: 'm'");
    expect(() => parseSize('-1')).toThrow("invalid size: '-1'");
    expect(() => parseSize('')).toThrow("invalid size: ''");
    expect(() => parseSize('1.2.3m')).toThrow('strconv.ParseFloat: parsing "1.2.3": invalid syntax');
  });

  it('reads decimal multiples for FromHumanSize', () => {
    expect(fromHumanSize('44kB')).toBe(44000);
    expect(fromHumanSize('17MB')).toBe(17e6);
  });
});
