// P1 telegrams: the splitter on chunks, the parser, the Reading. Typed error: SourceError.
import { SourceError } from "../../../lib/sources/errors";
import { crcHex, P1Splitter, parseTelegram, telegramReading } from "../../../lib/sources/p1";
import { DSMR22, DSMR42, DSMR5_BE, DSMR5_NL } from "../../support/p1-telegrams";
import { typedError, type FuzzTarget } from "../harness";

const typed = typedError(SourceError);
const RECEIVED = new Date("2026-10-25T01:30:00Z");

/** The telegram with its CRC recomputed after the mutation, so the mutation reaches the fields. */
function resigned(text: string): string {
  const bang = text.lastIndexOf("!");
  return bang < 0 ? text : `${text.slice(0, bang + 1)}${crcHex(text.slice(0, bang + 1))}\r\n`;
}

export const p1Targets: FuzzTarget[] = [
  {
    name: "p1: parseTelegram → telegramReading (CRC as sent)",
    samples: [DSMR5_NL, DSMR5_BE, DSMR22, DSMR42],
    run: (input) => {
      const t = parseTelegram(input as string, { zone: "Europe/Amsterdam" });
      return { t, reading: telegramReading(t, "meter", RECEIVED) };
    },
    typed,
  },
  {
    name: "p1: parseTelegram → telegramReading (CRC recomputed)",
    samples: [DSMR5_NL, DSMR5_BE, DSMR42],
    run: (input) => {
      const t = parseTelegram(resigned(input as string), { zone: "Europe/Brussels" });
      return { t, reading: telegramReading(t, "meter", RECEIVED) };
    },
    typed,
  },
  {
    name: "p1: P1Splitter on a stream cut anywhere",
    samples: [DSMR5_NL + DSMR42, DSMR22 + DSMR5_BE],
    run: (input) => {
      const text = input as string;
      const s = new P1Splitter(4096);
      const out = [];
      for (let i = 0; i < text.length; i += 37) out.push(...s.push(Buffer.from(text.slice(i, i + 37), "latin1")));
      // Every telegram the splitter hands on parses or is refused with our error.
      return out.map((item) => {
        if ("error" in item) return item.error.message;
        try {
          return parseTelegram(item.telegram);
        } catch (err) {
          if (err instanceof SourceError) return err.message;
          throw err;
        }
      });
    },
    typed,
  },
];
