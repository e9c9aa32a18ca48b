import { ConfigError } from '@seren/service-kit';
import { chainOf, LOCAL_CHAIN } from './chain.js';

describe('chainOf', () => {
  it('defaults to the local anvil of infra/: Base Sepolia chain id, its USDC, the dev facilitator and treasury', () => {
    const chain = chainOf({});
    expect(chain.description).toEqual({
      rpcUrl: LOCAL_CHAIN.rpcUrl,
      chainId: 84532,
      usdc: LOCAL_CHAIN.usdc,
      payTo: LOCAL_CHAIN.payTo,
      facilitator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      local: true,
    });
    expect(chain.network).toBe('eip155:84532');
    expect(chain.v1Network).toBe('base-sepolia');
    expect(chain.usdc).toMatchObject({ name: 'USDC', version: '2', decimals: 6 });
  });

  it('names the v1 network only for chains x402 v1 knows', () => {
    expect(chainOf({ CHAIN_ID: '8453' }).v1Network).toBe('base');
    expect(chainOf({ CHAIN_ID: '31337' }).v1Network).toBeUndefined();
  });

  it('requires a facilitator key and a treasury off the local chain and in production', () => {
    expect(() => chainOf({ RPC_URL: 'https://sepolia.base.org' })).toThrow(ConfigError);
    expect(() => chainOf({ NODE_ENV: 'production' })).toThrow(/X402_FACILITATOR_PRIVATE_KEY/);
    const key = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
    expect(() => chainOf({ NODE_ENV: 'production', X402_FACILITATOR_PRIVATE_KEY: key })).toThrow(
      /X402_PAY_TO/,
    );
    const external = chainOf({
      RPC_URL: 'https://sepolia.base.org',
      X402_FACILITATOR_PRIVATE_KEY: key,
      X402_PAY_TO: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
    });
    expect(external.description).toMatchObject({
      local: false,
      facilitator: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    });
  });

  it('refuses a malformed address or key', () => {
    expect(() => chainOf({ USDC_ADDRESS: 'usdc' })).toThrow(ConfigError);
    expect(() => chainOf({ X402_FACILITATOR_PRIVATE_KEY: '0x1234' })).toThrow(ConfigError);
  });
});
