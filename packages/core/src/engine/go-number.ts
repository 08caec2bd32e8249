/**
 * Go's number text rules, which Keptn's verdicts depend on: `strconv.ParseFloat(s, 64)` for
 * criteria and total_score, and `%v` formatting of float64 in messages. JavaScript's `Number()`
 * differs in ways that change results (`Number("")` is 0, `Number("0x10")` is 16).
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]|_(?=[0-9a-fA-F]))*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;

/**
 * Go's `underscoreOK`: underscores may separate digits (`1_000`, `9_0`, `1e1_0`), never lead,
 * trail, double or touch a sign, point or exponent.
 */
function underscoresAllowed(text: string): boolean {
  let rest = text.startsWith("-") || text.startsWith("+") ? text.slice(1) : text;
  let saw: "^" | "0" | "_" | "!" = "^";
  let hex = false;
  if (rest.length >= 2 && rest[0] === "0" && "box".includes((rest[1] as string).toLowerCase())) {
    hex = (rest[1] as string).toLowerCase() === "x";
    rest = rest.slice(2);
    saw = "0";
  }
  for (const char of rest) {
    if ((char >= "0" && char <= "9") || (hex && /[a-f]/i.test(char))) saw = "0";
    else if (char === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** `strconv.ParseFloat(text, 64)`: the number, or undefined where Go returns an error. */
export function parseGoFloat(text: string): number | undefined {
  const plain = text.includes("_") && underscoresAllowed(text) ? text.replaceAll("_", "") : text;
  if (DECIMAL.test(plain)) {
    const value = Number(plain);
    // Go reports a range error for literals beyond float64 and Keptn treats any error as unparsable.
    return Number.isFinite(value) ? value : undefined;
  }
  if (INFINITY.test(text)) return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  const hex = HEX.exec(text);
  if (hex) {
    const [, sign, intPart = "", fraction = "", exponent = "0"] = hex;
    const digits = intPart.replaceAll("_", "");
    if (digits === "" && fraction === "") return undefined;
    let mantissa = digits === "" ? 0 : Number.parseInt(digits, 16);
    for (let i = 0; i < fraction.length; i++) mantissa += Number.parseInt(fraction[i] ?? "0", 16) / 16 ** (i + 1);
    const value = mantissa * 2 ** Number(exponent);
    if (!Number.isFinite(value)) return undefined;
    return sign === "-" ? -value : value;
  }
  return undefined;
}

/** Go's `%v` for a float64: shortest round-trip digits, exponent form below 1e-4 and from 1e6 on
 * (`strconv.FormatFloat(x, 'g', -1, 64)`), so one million prints as `1e+06`. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${sign}${magnitude}`;
  }
  // Within this range JavaScript's shortest representation already matches Go's fixed notation.
  return String(value);
}
