import { afterEach, describe, expect, it } from "vitest";
import { LocalDynatrace } from "../../../test/dynatrace-server.js";
import { BearerTokenSource, dynatraceConnection, dynatraceEndpoints } from "./connection.js";

describe("Dynatrace URL forms", () => {
  it.each([
    [
      "https://abc12345.live.dynatrace.com",
      {
        classic: "https://abc12345.live.dynatrace.com/api/v2/",
        platform: "https://abc12345.apps.dynatrace.com/platform/",
        ui: "https://abc12345.live.dynatrace.com",
        gateway: false,
      },
    ],
    [
      "abc12345.live.dynatrace.com/api/v2/",
      {
        classic: "https://abc12345.live.dynatrace.com/api/v2/",
        platform: "https://abc12345.apps.dynatrace.com/platform/",
        ui: "https://abc12345.live.dynatrace.com",
        gateway: false,
      },
    ],
    [
      "https://dt.example.com/e/2b7c/",
      {
        classic: "https://dt.example.com/e/2b7c/api/v2/",
        platform: "https://dt.example.com/e/2b7c/platform/",
        ui: "https://dt.example.com/e/2b7c",
        gateway: false,
      },
    ],
    [
      "https://abc12345.apps.dynatrace.com",
      {
        classic: "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/",
        platform: "https://abc12345.apps.dynatrace.com/platform/",
        ui: "https://abc12345.apps.dynatrace.com",
        gateway: true,
      },
    ],
    [
      "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2",
      {
        classic: "https://abc12345.apps.dynatrace.com/platform/classic/environment-api/v2/",
        platform: "https://abc12345.apps.dynatrace.com/platform/",
        ui: "https://abc12345.apps.dynatrace.com",
        gateway: true,
      },
    ],
  ])("%s", (url, endpoints) => {
    expect(dynatraceEndpoints(url)).toEqual(endpoints);
  });

  it("refuses what is not an http(s) URL, and a missing URL or token", () => {
    expect(() => dynatraceEndpoints("ftp://x")).toThrow('Dynatrace URL "ftp://x" is not http(s)');
    expect(() => dynatraceConnection({}, { DT_API_TOKEN: "t" })).toThrow("Dynatrace needs the environment URL");
    expect(() => dynatraceConnection({}, { DT_URL: "https://x.live.dynatrace.com" })).toThrow("Dynatrace has no credentials");
    expect(
      dynatraceConnection({ "token-env": "MY_TOKEN" }, { DT_URL: "https://x.live.dynatrace.com", MY_TOKEN: "abc" }).credentials,
    ).toEqual({ apiToken: "abc" });
  });
});

describe("OAuth bearer tokens", () => {
  let dynatrace: LocalDynatrace | undefined;
  afterEach(async () => {
    await dynatrace?.stop();
  });

  it("exchanges client credentials once and renews shortly before expiry", async () => {
    dynatrace = await new LocalDynatrace({ clients: { id: "secret" }, oauthLifetimeSeconds: 300 }).start();
    let now = 1_000_000;
    const source = new BearerTokenSource(
      {
        oauth: {
          clientId: "id",
          clientSecret: "secret",
          accountUrn: "urn:dtaccount:a",
          tokenUrl: `${dynatrace.url}/sso/oauth2/token`,
          scope: "storage:buckets:read",
        },
      },
      {},
      () => now,
    );
    const [first, same] = await Promise.all([source.token(), source.token()]);
    expect(same).toBe(first);
    now += 269_000;
    expect(await source.token()).toBe(first);
    now += 2_000; // within 30 s of expiry
    expect(await source.token()).not.toBe(first);
    const forms = dynatrace.requestsTo("oauth").map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(forms).toHaveLength(2);
    expect(forms[0]).toEqual({
      grant_type: "client_credentials",
      client_id: "id",
      client_secret: "secret",
      scope: "storage:buckets:read",
      resource: "urn:dtaccount:a",
    });
    await source.close();
  });

  it("says what is wrong with refused client credentials, without the secret", async () => {
    dynatrace = await new LocalDynatrace({ clients: { id: "right" } }).start();
    const source = new BearerTokenSource({
      oauth: {
        clientId: "id",
        clientSecret: "wrong-secret",
        accountUrn: "urn:x",
        tokenUrl: `${dynatrace.url}/sso/oauth2/token`,
        scope: "s",
      },
    });
    await expect(source.token()).rejects.toThrow(
      "Dynatrace SSO: the OAuth token request was refused: invalid_client: client authentication failed (HTTP 400)",
    );
    await source.close();
  });
});
