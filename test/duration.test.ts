import { TerraformVariable, Testing, TerraformStack } from 'cdktf';
import { Duration } from '../src';

describe('Duration', () => {
  test('factories convert to milliseconds and seconds', () => {
    expect(Duration.millis(1500).toMilliseconds()).toBe(1500);
    expect(Duration.seconds(2).toMilliseconds()).toBe(2000);
    expect(Duration.minutes(1.5).toSeconds()).toBe(90);
  });

  test('reads as seconds when whole, else as milliseconds, for messages', () => {
    expect(Duration.seconds(30).toString()).toBe('30s');
    expect(Duration.millis(1500).toString()).toBe('1500ms');
    expect(Duration.minutes(2).toString()).toBe('120s');
  });

  test('a negative, non-finite or token amount is refused when used, not when written', () => {
    const negative = Duration.seconds(-1);
    expect(negative.toString()).toBe('-1s');
    expect(() => negative.toSeconds()).toThrow('Duration -1s is negative');
    expect(() => Duration.millis(Number.NaN).toMilliseconds()).toThrow('Duration NaNms is not a finite amount');
    const stack = new TerraformStack(Testing.app(), 'test');
    const token = new TerraformVariable(stack, 'n', { type: 'number' }).numberValue;
    expect(() => Duration.millis(token).toSeconds()).toThrow('Duration <token> is a Terraform token, but durations must be known at synth');
    // A valid one has no problem to report.
    expect(Duration.minutes(2)._problem()).toBeUndefined();
  });
});
