package io.consolecms.webhooks.delivery.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A block of IPv4 or IPv6 addresses written {@code address/prefix} (a bare address is a block of one).
 *
 * @param network the block's first address, host bits cleared
 * @param prefixLength how many leading bits every address of the block shares with {@code network}
 */
record Cidr(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * Parses {@code 10.0.0.0/8}, {@code fe80::/10} or a bare address. Host bits set in the address are cleared
     * ({@code 127.0.0.1/8} is {@code 127.0.0.0/8}). Never looks anything up in DNS.
     *
     * @throws IllegalArgumentException naming the text when it is not a CIDR
     */
    static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address, text);
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (!prefixText.matches("\\d{1,3}") || Integer.parseInt(prefixText) > maxPrefix) {
                throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: the prefix length must be 0 to "
                        + maxPrefix);
            }
            prefix = Integer.parseInt(prefixText);
        }
        return new Cidr(address(mask(bytes, prefix)), prefix);
    }

    /**
     * The IPv6 block {@code ::ffff:0:0/96} of IPv4-mapped addresses. Not parsed: the JDK reads such a literal as the
     * IPv4 address it maps.
     */
    static Cidr ipv4Mapped() {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        try {
            return new Cidr(Inet6Address.getByAddress(null, bytes, -1), 96);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("16 bytes are an IPv6 address", impossible);
        }
    }

    /**
     * Whether {@code address} lies in this block. An IPv4 block also holds the IPv4-mapped IPv6 forms of its
     * addresses ({@code ::ffff:127.0.0.1} is in {@code 127.0.0.0/8}); an IPv6 block is matched on the 16 bytes as
     * they are, so {@code ::ffff:0:0/96} holds the mapped addresses and no plain IPv4 address.
     */
    boolean contains(InetAddress address) {
        byte[] net = network.getAddress();
        byte[] candidate = net.length == 4 ? canonicalBytes(address) : address.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        byte[] masked = mask(candidate, prefixLength);
        return Arrays.equals(masked, net);
    }

    @Override
    public String toString() {
        return Addresses.display(network) + "/" + prefixLength;
    }

    /** The address's bytes, IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) turned into its 4 IPv4 bytes. */
    static byte[] canonicalBytes(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] literal(String address, String text) {
        boolean v4 = IPV4.matcher(address).matches();
        if (v4) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw notACidr(text);
                }
            }
        }
        // only literals reach getByName, so it never asks DNS
        if (!v4 && !IPV6.matcher(address).matches()) {
            throw notACidr(text);
        }
        try {
            return canonicalBytes(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw notACidr(text);
        }
    }

    private static IllegalArgumentException notACidr(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not a CIDR (expected an IP address and an optional"
                + " /prefix, e.g. 10.0.0.0/8 or fd00::/8)");
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("4 or 16 bytes are an address", impossible);
        }
    }
}
