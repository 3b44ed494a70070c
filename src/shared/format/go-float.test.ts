import { describe, expect, it } from 'vitest';
import { formatFloat } from './go-float.js';

// Rows: value, then Go's %.3g, %.2f, %e, %.0f, %g (shortest), %.1e — printed by Go 1.19.
const rows: Array<[number, string, string, string, string, string, string]> = [
  [1.125, '1.12', '1.12', '1.125000e+00', '1', '1.125', '1.1e+00'],
  [1.135, '1.14', '1.14', '1.135000e+00', '1', '1.135', '1.1e+00'],
  [0.125, '0.125', '0.12', '1.250000e-01', '0', '0.125', '1.2e-01'],
  [2.5, '2.5', '2.50', '2.500000e+00', '2', '2.5', '2.5e+00'],
  [3.5, '3.5', '3.50', '3.500000e+00', '4', '3.5', '3.5e+00'],
  [0.000123456, '0.000123', '0.00', '1.234560e-04', '0', '0.000123456', '1.2e-04'],
  [123456789, '1.23e+08', '123456789.00', '1.234568e+08', '123456789', '1.23456789e+08', '1.2e+08'],
  [1e-7, '1e-07', '0.00', '1.000000e-07', '0', '1e-07', '1.0e-07'],
  [5e-324, '4.94e-324', '0.00', '4.940656e-324', '0', '5e-324', '4.9e-324'],
  [0.1, '0.1', '0.10', '1.000000e-01', '0', '0.1', '1.0e-01'],
  [100, '100', '100.00', '1.000000e+02', '100', '100', '1.0e+02'],
];

describe('formatFloat', () => {
  it.each(rows)('formats %s exactly as Go fmt does', (x, g3, f2, e, f0, g, e1) => {
    expect(formatFloat(x, 'g', 3)).toBe(g3);
    expect(formatFloat(x, 'f', 2)).toBe(f2);
    expect(formatFloat(x, 'e', 6)).toBe(e);
    expect(formatFloat(x, 'f', 0)).toBe(f0);
    expect(formatFloat(x, 'g', -1)).toBe(g);
    expect(formatFloat(x, 'e', 1)).toBe(e1);
  });

  it('switches %v-style shortest output to exponent form from 1e21 and for 1e6 floats', () => {
    expect(formatFloat(1234567, 'g', -1)).toBe('1.234567e+06');
    expect(formatFloat(100000, 'g', -1)).toBe('100000');
    expect(formatFloat(1e20, 'g', -1)).toBe('1e+20');
    expect(formatFloat(0.000012, 'g', -1)).toBe('1.2e-05');
    expect(formatFloat(0.0001, 'g', -1)).toBe('0.0001');
  });

  it('prints the full decimal expansion of huge values with %f', () => {
    expect(formatFloat(1.7976931348623157e308, 'f', 0)).toBe(
      '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368',
    );
  });

  it('spells special values as Go does', () => {
    expect(formatFloat(NaN, 'g', -1)).toBe('NaN');
    expect(formatFloat(Infinity, 'f', 2)).toBe('+Inf');
    expect(formatFloat(-Infinity, 'e', 2)).toBe('-Inf');
    expect(formatFloat(-0, 'g', -1)).toBe('-0');
    expect(formatFloat(0, 'e', 2)).toBe('0.00e+00');
  });
});
