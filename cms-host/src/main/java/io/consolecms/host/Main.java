package io.consolecms.host;

public final class Main {
    public static void main(String[] args) {
    }
}
