import { isPrivateAddress } from './addresses';
import { outboundPolicy, permits } from './policy';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fd00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
  ])('%s is private', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (ip) => expect(isPrivateAddress(ip)).toBe(false),
  );

  it('throws on what is not an address', () => {
    expect(() => isPrivateAddress('localhost')).toThrow(/not an IP address/);
  });
});

describe('outboundPolicy', () => {
  it('allows nothing private by default, and public addresses always', () => {
    const none = outboundPolicy();
    expect(permits(none, '127.0.0.1')).toBe(false);
    expect(permits(none, '169.254.169.254', 'metadata.google.internal')).toBe(false);
    expect(permits(none, '93.184.215.14')).toBe(true);
  });

  it('allows the networks, addresses and host names it lists', () => {
    const policy = outboundPolicy(['127.0.0.0/8', '::1', ' hooks.internal. ', '']);
    expect(permits(policy, '127.0.0.5')).toBe(true);
    expect(permits(policy, '::ffff:127.0.0.1')).toBe(true);
    expect(permits(policy, '::1')).toBe(true);
    expect(permits(policy, '10.0.0.1')).toBe(false);
    expect(permits(policy, '10.0.0.1', 'hooks.internal')).toBe(true);
    expect(policy.entries).toEqual(['127.0.0.0/8', '::1', 'hooks.internal.']);
  });

  it('`all` allows every private address; a malformed network is a configuration error', () => {
    expect(permits(outboundPolicy(['all']), '10.9.9.9')).toBe(true);
    expect(() => outboundPolicy(['10.0.0.0/33'])).toThrow(/prefix/);
    expect(() => outboundPolicy(['example.com/8'])).toThrow(/not a network/);
  });
});
