// Long lists: thousands of records scroll smoothly because only the visible rows exist.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, freshDb, generate, launch, rows, shot, startDriver, step, stopDriver } from "./harness.mjs";

before(startDriver);
after(stopDriver);

test("3,000 contacts: the count is exact, rows load as you scroll, the DOM stays small", async () => {
  const db = freshDb();
  generate(db, 3000, 400);
  const app = await launch(db, "#/contacts");
  try {
    await step(app, "the header counts every contact", async () => {
      const sub = await app.$(".page-head .sub");
      await sub.waitUntil(async () => /^3[,.\u00a0\u202f ]?000 people$/.test(await sub.getText()), {
        timeout: 10000,
        timeoutMsg: "the count never read 3,000 people",
      });
      await shot(app, "08-contacts-3000");
    });
    await step(app, "only the rows on screen are rendered", async () => {
      const rendered = (await rows(app, "contacts-table")).length;
      assert.ok(rendered > 5 && rendered < 120, `${rendered} rows in the DOM`);
    });
    await step(app, "scrolling to the end loads every page, in order", async () => {
      let last = "";
      for (let i = 0; i < 60; i++) {
        await app.execute(() => {
          const body = document.querySelector(".list-body");
          body.scrollTop = body.scrollHeight;
        });
        await new Promise((r) => setTimeout(r, 150));
        const index = await app.execute(() =>
          Math.max(...[...document.querySelectorAll("tbody tr[aria-rowindex]")].map((tr) => Number(tr.getAttribute("aria-rowindex")))),
        );
        last = (await rows(app, "contacts-table")).at(-1);
        if (index === 3001) break; // header is row 1
      }
      const index = await app.execute(() =>
        Math.max(...[...document.querySelectorAll("tbody tr[aria-rowindex]")].map((tr) => Number(tr.getAttribute("aria-rowindex")))),
      );
      assert.equal(index, 3001, "the last row is reachable");
      const lastNames = (await rows(app, "contacts-table")).map((r) => r.split(" | ")[0].split(" · ")[0].split(" ").at(-1).toLowerCase());
      const sorted = [...lastNames].sort((a, b) => a.localeCompare(b));
      assert.deepEqual(lastNames, sorted, "still sorted by name at the end");
      assert.ok(last, "a last row is shown");
      await shot(app, "09-contacts-scrolled-to-end");
    });
    await step(app, "typing in the filter narrows the list through the search index", async () => {
      const filter = await app.$(byTest("contacts-filter"));
      await filter.setValue("zimmer");
      await app.waitUntil(
        async () => {
          const all = await rows(app, "contacts-table");
          return all.length > 0 && all.every((r) => /zimmer/i.test(r));
        },
        { timeout: 10000, timeoutMsg: "the filter did not narrow to Zimmermann" },
      );
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
