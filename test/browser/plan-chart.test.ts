// Headless Chromium opens the /elfe/plan page and the editor's "Energy plan" sidebar on a running
// Node-RED that received a sample plan, checks the chart drew, and saves screenshots.
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startNodeRed, type RunningNodeRed } from "../support/node-red-process";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifacts = join(__dirname, "..", "artifacts");
const plan = readFileSync(join(__dirname, "..", "fixtures", "sample-plan.json"), "utf8");

const flows = [
  { id: "f1", type: "tab", label: "plan chart" },
  { id: "t1", type: "elfe-territory", name: "Pays de Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 },
  { id: "i1", z: "f1", type: "inject", props: [{ p: "payload" }], payload: plan, payloadType: "json", once: true, onceDelay: 0.1, repeat: "", wires: [["c1"]] },
  { id: "c1", z: "f1", type: "elfe-plan-chart", name: "Vilaine plan", territory: "t1", onPage: true, wires: [] },
];

/** Share of the canvas's pixels that are not blank: proof that something was drawn. */
async function inkedShare(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    return inked / (data.length / 4);
  });
}

describe("plan chart in a browser", function () {
  this.timeout(120_000);
  let red: RunningNodeRed | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      this.skip();
    }
    mkdirSync(artifacts, { recursive: true });
    red = await startNodeRed(flows);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async function () {
    await browser?.close();
    await red?.stop();
  });

  it("draws the plan on the page served at /elfe/plan", async function () {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${red!.url}/elfe/plan`);
    await page.waitForSelector("body[data-drawn='1']");
    assert.equal(await page.textContent("h2"), "Vilaine plan");
    const legend = await page.textContent(".u-legend");
    assert.match(legend ?? "", /balance without flexible loads/);
    assert.match(legend ?? "", /balance with flexible loads/);
    assert.equal(await page.locator(".elfe-plan-row").count(), 4);
    assert.deepEqual(await page.locator(".elfe-plan-device").allTextContents(), ["lave-linge-12", "ballon-7", "ve-3", "radiateur-21"]);
    assert.match((await page.textContent(".elfe-plan-warnings")) ?? "", /WARN_CONSTRAINT · ve-3/);
    assert.ok((await inkedShare(page, ".uplot canvas")) > 0.01, "the curves canvas is blank");
    // The EV's charge (slots 52–62 of 96) is drawn where its slots are on the time axis.
    const strip = (await page.locator(".elfe-plan-row[data-device='ve-3'] .elfe-plan-strip").boundingBox())!;
    const bars = await page.locator(".elfe-plan-row[data-device='ve-3'] .elfe-plan-span").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    const over = (await page.locator(".u-over").boundingBox())!;
    assert.ok(Math.abs(strip.x - over.x) < 2 && Math.abs(strip.width - over.width) < 2, "strips span the plotting area");
    assert.ok(Math.abs(bars[0].x - (over.x + (52 / 96) * over.width)) < 3, "the charge starts at 13:00 on the axis");
    await page.screenshot({ path: join(artifacts, "plan-page.png"), fullPage: true });
  });

  it("draws the same plan in the editor's Energy plan sidebar tab", async function () {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(red!.url);
    await page.waitForSelector("#red-ui-tab-elfe-plan", { state: "attached", timeout: 60_000 });
    await page.evaluate(() => (window as any).RED.sidebar.show("elfe-plan"));
    await page.waitForSelector(".elfe-plan-sidebar .elfe-plan-row");
    assert.equal(await page.locator(".elfe-plan-sidebar .elfe-plan-row").count(), 4);
    const strip = (await page.locator(".elfe-plan-sidebar .elfe-plan-strip").first().boundingBox())!;
    assert.ok(strip.width > 100, "the sidebar's strips are drawn");
    assert.match((await page.textContent(".elfe-plan-sidebar .u-legend")) ?? "", /balance with flexible loads/);
    assert.ok((await inkedShare(page, ".elfe-plan-sidebar .uplot canvas")) > 0.01, "the sidebar canvas is blank");
    await page.screenshot({ path: join(artifacts, "plan-sidebar.png") });
  });
});
