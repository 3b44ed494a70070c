echo "Shop version 1"
