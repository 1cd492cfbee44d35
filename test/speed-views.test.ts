import { checkSpeeds, parseSpeeds, SPEED_VIEWS, VIEW_SPEED_RANGE } from '../src/speech/speed-views';

describe('speed views', () => {
  it('the default: the clip as recorded first, then slower and faster, all within training\'s speed perturbation', () => {
    expect(SPEED_VIEWS[0]).toBe(1);
    expect(checkSpeeds(SPEED_VIEWS)).toEqual(SPEED_VIEWS);
    expect(SPEED_VIEWS.every((s) => s >= VIEW_SPEED_RANGE.min && s <= VIEW_SPEED_RANGE.max)).toBe(true);
  });

  it('parses a command line\'s list', () => {
    expect(parseSpeeds('1')).toEqual([1]);
    expect(parseSpeeds('1,0.9,1.1')).toEqual([1, 0.9, 1.1]);
    expect(parseSpeeds(' 0.95 , 1, 1.05')).toEqual([0.95, 1, 1.05]);
  });

  it('refuses what it cannot use, naming the problem', () => {
    expect(() => parseSpeeds('1,fast')).toThrow("speed views: 'fast' is not a number (give speeds such as 1,0.9,1.1)");
    expect(() => parseSpeeds('')).toThrow("speed views: '' is not a number");
    expect(() => parseSpeeds('1,,0.9')).toThrow("speed views: '' is not a number");
    expect(() => parseSpeeds('-1')).toThrow("'-1' is not a number");
    expect(() => parseSpeeds('1,2')).toThrow("speed views: 2 is outside 0.85–1.25 (training's speed perturbation range)");
    expect(() => parseSpeeds('1,0.5')).toThrow('0.5 is outside');
    expect(() => parseSpeeds('0.9,1.1')).toThrow('speed views: 0.9,1.1 leaves out 1, the clip as recorded');
    expect(() => parseSpeeds('1,0.9,1')).toThrow('speed views: 1,0.9,1 repeats a speed');
    expect(() => checkSpeeds([])).toThrow('speed views: give 1 to 5 speeds, not 0');
    expect(() => checkSpeeds([1, 0.9, 0.95, 1.05, 1.1, 1.2])).toThrow('give 1 to 5 speeds, not 6');
    expect(() => checkSpeeds([NaN])).toThrow('NaN is outside');
  });
});
