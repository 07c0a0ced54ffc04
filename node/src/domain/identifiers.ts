// Check digits of party identifiers (docs/records.md §4 rules P3, P4). Pure.

/** IMO number: 7 digits, the 7th = (7·d1 + 6·d2 + 5·d3 + 4·d4 + 3·d5 + 2·d6) mod 10. */
export function isValidImo(value: string): boolean {
  if (!/^[0-9]{7}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(value[i]) * (7 - i);
  return sum % 10 === Number(value[6]);
}

/** LEI: ISO 17442 format and ISO 7064 MOD 97-10 check (letters A=10 … Z=35). */
export function isValidLei(value: string): boolean {
  if (!/^[A-Z0-9]{18}[0-9]{2}$/.test(value)) return false;
  let rem = 0;
  for (const ch of value) {
    const digits = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}
