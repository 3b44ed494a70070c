const express = require('express');
const app = express();

app.get('/', (req, res) => res.send('Welcome to the shop!'));

app.listen(3000, () => console.log('shop listening on port 3000'));
