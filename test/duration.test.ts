import { TerraformVariable, Testing, TerraformStack } from 'cdktf';
import { Duration } from '../src';

describe('Duration', () => {
  test('factories convert to milliseconds and seconds', () => {
    expect(Duration.millis(1500).toMilliseconds()).toBe(1500);
    expect(Duration.seconds(2).toMilliseconds()).toBe(2000);
    expect(Duration.minutes(1.5).toSeconds()).toBe(90);
  });

  test('renders Docker duration strings', () => {
    expect(Duration.seconds(30)._toDockerString()).toBe('30s');
    expect(Duration.millis(1500)._toDockerString()).toBe('1500ms');
    expect(Duration.minutes(2).toString()).toBe('120s');
  });

  test('fails on a negative or non-finite amount', () => {
    expect(() => Duration.seconds(-1)).toThrow('Duration amounts must be finite and not negative, got -1000 ms');
    expect(() => Duration.millis(Number.NaN)).toThrow('Duration amounts must be finite and not negative, got NaN ms');
  });

  test('fails on a Terraform token', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const token = new TerraformVariable(stack, 'n', { type: 'number' }).numberValue;
    expect(() => Duration.millis(token)).toThrow('Duration amounts must be plain numbers known at synth time, not Terraform tokens');
  });
});
